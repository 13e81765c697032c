# syntax=docker/dockerfile:1
# Build: a static binary with the corpus embedded. .ci/run builds with the
# same flags, since CI has no container engine.
FROM golang:1.26.10 AS build
WORKDIR /src
COPY go.mod go.sum ./
# The patched discordgo (third_party/discordgo, see its NOTES) is a replace
# target: it must be there before the modules are downloaded.
COPY third_party ./third_party
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /confidant ./cmd/confidant \
 && /confidant lint \
 && /confidant version
# The database directory: distroless has no shell to make it, so it is made
# here and copied with the owner the bot runs as.
RUN mkdir -m 0750 /data

# Run: distroless static (CA certificates included), non-root.
FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
LABEL org.opencontainers.image.title="confidant" org.opencontainers.image.version="${VERSION}"
COPY --from=build /confidant /usr/local/bin/confidant
COPY --from=build --chown=65532:65532 /data /data
# Shared questions, counters and the moderators' audit log live here.
ENV CONFIDANT_DATA=/data/confidant.db
# The bot keeps little memory alive (about 5 MB on the built-in corpus) but
# allocates per request; a lazier garbage collector raised HTTP throughput on
# 2 cores from about 1.7k to 2.6k interactions/s (see README). Lower it for
# very large corpora.
ENV GOGC=400
VOLUME /data
# HTTP interactions, /healthz and /readyz: run "serve --http :8080" (or set
# CONFIDANT_HTTP=:8080). Metrics are on CONFIDANT_METRICS_ADDR, loopback by
# default: set it to :9090 and publish that port only to your monitoring.
EXPOSE 8080
USER nonroot:nonroot
# Asks /healthz on 127.0.0.1 (the port of CONFIDANT_HTTP, else 8080). A
# gateway-only container has no listener: run it with --no-healthcheck.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["/usr/local/bin/confidant", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/confidant"]
CMD ["serve"]
