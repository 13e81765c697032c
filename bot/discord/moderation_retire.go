package discord

// /faq retire and /faq restore.

import "github.com/bwmarrin/discordgo"

func (m *Moderation) retireRestore(i *discordgo.Interaction, action, id string) *discordgo.InteractionResponse {
	var err error
	if action == "retire" {
		err = m.Dir.Retire(id)
	} else {
		err = m.Dir.Restore(id)
	}
	if err != nil {
		return text("Nothing changed: %s", m.problemText(action, err))
	}
	m.audit(i, id, action)
	if _, err := m.reloadNow(); err != nil {
		return text("Done, but the reload failed; the previous corpus is still served: %s", m.problemText("reload", err))
	}
	if action == "retire" {
		return text("Retired `%s`: moved to retired/ (nothing deleted). /faq restore brings it back.", id)
	}
	return text("Restored `%s`.", id)
}
