# syntax=docker/dockerfile:1
# Build: a static binary with the corpus embedded.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /confidant ./cmd/confidant \
 && /confidant lint

# Run: distroless static (CA certificates included), non-root.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /confidant /usr/local/bin/confidant
USER nonroot:nonroot
ENTRYPOINT ["/usr/local/bin/confidant"]
CMD ["serve"]
