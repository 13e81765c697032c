package discord

// Sharding: past 2,500 servers Discord requires a bot to split its gateway
// into shards, each connection carrying the events of the servers whose
// id falls to it. Direct messages arrive on shard 0 only.

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"
)

// AutoShards as DiscordConfig.ShardCount takes the number of shards Discord
// recommends (GET /gateway/bot), asked anew at every connection.
const AutoShards = -1

// LogShard is the log key of the shard a gateway connection carries.
const LogShard = "shard"

// ParseShards reads the settings CONFIDANT_SHARD_ID (default 0) and
// CONFIDANT_SHARD_COUNT (default 1, or "auto" for AutoShards). It reports
// what is not a number; DiscordConfig.Validate checks the range.
func ParseShards(id, count string) (shardID, shardCount int, err error) {
	var errs []error
	if id = strings.TrimSpace(id); id != "" {
		n, perr := strconv.Atoi(id)
		if perr != nil {
			errs = append(errs, fmt.Errorf("CONFIDANT_SHARD_ID %q must be a whole number: this process's shard, from 0", id))
		} else {
			shardID = n
		}
	}
	switch count = strings.TrimSpace(count); {
	case count == "":
		shardCount = 1
	case strings.EqualFold(count, "auto"):
		shardCount = AutoShards
	default:
		n, perr := strconv.Atoi(count)
		if perr != nil {
			errs = append(errs, fmt.Errorf("CONFIDANT_SHARD_COUNT %q must be a whole number of shards or auto (the number Discord recommends)", count))
			shardCount = 1
		} else {
			shardCount = n
		}
	}
	return shardID, shardCount, errors.Join(errs...)
}

// shardProblems reports a shard id or count out of range.
func (c DiscordConfig) shardProblems() []error {
	var errs []error
	if c.ShardID < 0 {
		errs = append(errs, fmt.Errorf("CONFIDANT_SHARD_ID %d must be 0 or more", c.ShardID))
	}
	switch {
	case c.ShardCount < 0 && c.ShardCount != AutoShards:
		errs = append(errs, fmt.Errorf("CONFIDANT_SHARD_COUNT %d must be 1 or more, or auto", c.ShardCount))
	case c.ShardCount > 0 && c.ShardID >= c.ShardCount:
		errs = append(errs, fmt.Errorf("CONFIDANT_SHARD_ID %d must be below CONFIDANT_SHARD_COUNT %d: shards are numbered from 0", c.ShardID, c.ShardCount))
	}
	return errs
}

// shards sets the session's shard for the next connection; with
// AutoShards it asks Discord for the count first.
func (d *Discord) shards() error {
	count := d.cfg.ShardCount
	if count == AutoShards {
		gw, err := d.s.GatewayBot()
		if err != nil {
			return fmt.Errorf("ask Discord for the shard count (CONFIDANT_SHARD_COUNT=auto): %w", tokenRefused(err))
		}
		if count = gw.Shards; count < 1 {
			count = 1
		}
		if d.cfg.ShardID >= count {
			return fmt.Errorf("CONFIDANT_SHARD_ID %d is not below the %d shards Discord recommends: run shards 0 to %d, or set CONFIDANT_SHARD_COUNT", d.cfg.ShardID, count, count-1)
		}
	}
	d.s.ShardID, d.s.ShardCount = d.cfg.ShardID, max(count, 1)
	return nil
}

// tokenRefused names a refused bot token; other errors are returned as they are.
func tokenRefused(err error) error {
	var rest *discordgo.RESTError
	if errors.As(err, &rest) && rest.Response != nil && rest.Response.StatusCode == http.StatusUnauthorized {
		return errors.New("Discord refused the bot token (401 Unauthorized): check DISCORD_TOKEN")
	}
	return err
}
