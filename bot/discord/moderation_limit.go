package discord

// Per-moderator limits on what builds a new index.

import "time"

// Budgets of one moderator for what rebuilds the index. Reloads are also
// coalesced by bot.Reloader, whoever asks; these keep one moderator (or a
// stolen account) from keeping the bot busy rebuilding.
const (
	reloadBurst  = 3
	reloadRefill = 20 * time.Second
)

// allowReload spends one reload of the moderator's budget.
func (m *Moderation) allowReload(userID string) bool {
	m.limitsOnce.Do(m.initLimits)
	return m.reloadLimit.Take(userID) == Allow
}

func (m *Moderation) initLimits() {
	m.reloadLimit = NewRateLimiter(reloadBurst, reloadRefill)
}

const reloadLimited = "Not reloaded: you asked for several reloads in a short while. The bot reloads by itself " +
	"within a second of a file changing, so there is usually no need; try again in a minute."
