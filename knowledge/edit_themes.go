package knowledge

// Where a retired entry was listed in themes.yaml, so restoring puts it back.

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"gopkg.in/yaml.v3"
)

type themePlace struct {
	Theme    string `yaml:"theme"`
	Position int    `yaml:"position"`
}

const retiredThemesHeader = "# Where retired entries were listed in themes.yaml, so that restoring one\n# puts it back. Written by Confidant.\n"

func (d *Dir) retireFromThemes(t *undoLog, id string) error {
	doc, err := readThemes(t.root)
	if doc == nil || err != nil {
		return err // no themes.yaml: the embedded one drops missing ids itself
	}
	var places []themePlace
	for _, theme := range themeNodes(doc) {
		name, entries := themeFields(theme)
		if entries == nil {
			continue
		}
		kept := entries.Content[:0]
		for i, item := range entries.Content {
			if item.Value == id {
				places = append(places, themePlace{Theme: name, Position: i})
				continue
			}
			kept = append(kept, item)
		}
		if len(kept) == 0 && len(entries.Content) > 0 {
			return fmt.Errorf("it is the only entry of the theme %q: add another entry to that theme first", name)
		}
		entries.Content = kept
	}
	if len(places) == 0 {
		return nil
	}
	record, err := readRetiredThemes(t.root)
	if err != nil {
		return err
	}
	record[id] = places
	if err := d.writeRetiredThemes(t, record); err != nil {
		return err
	}
	return t.write(ThemesFile, encodeYAML(doc))
}

// restoreToThemes lists id again where it was, then forgets its place (the
// entry is listed before the record of its place is dropped, so a crash in
// between leaves a record that is merely unused).
func (d *Dir) restoreToThemes(t *undoLog, id string) error {
	record, err := readRetiredThemes(t.root)
	if err != nil {
		return err
	}
	places, ok := record[id]
	if !ok {
		return nil
	}
	doc, err := readThemes(t.root)
	if err != nil {
		return err
	}
	if doc != nil {
		// A theme renamed or filled up since is skipped: load then warns
		// that the entry is in no theme.
		for _, p := range places {
			for _, theme := range themeNodes(doc) {
				name, entries := themeFields(theme)
				if name != p.Theme || entries == nil || len(entries.Content) >= MaxThemeEntries {
					continue
				}
				pos := min(max(p.Position, 0), len(entries.Content))
				item := &yaml.Node{Kind: yaml.ScalarNode, Value: id}
				entries.Content = append(entries.Content[:pos], append([]*yaml.Node{item}, entries.Content[pos:]...)...)
				break
			}
		}
		if err := t.write(ThemesFile, encodeYAML(doc)); err != nil {
			return err
		}
	}
	delete(record, id)
	return d.writeRetiredThemes(t, record)
}

// readThemes parses themes.yaml keeping its comments and layout; it returns
// nil when the directory has none.
func readThemes(root *os.Root) (*yaml.Node, error) {
	data, err := root.ReadFile(ThemesFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%s: %s", ThemesFile, yamlErrText(err))
	}
	return &doc, nil
}

func themeNodes(doc *yaml.Node) []*yaml.Node {
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.SequenceNode {
		return nil
	}
	return doc.Content[0].Content
}

// themeFields returns a theme's name and its list of entries.
func themeFields(theme *yaml.Node) (name string, entries *yaml.Node) {
	if theme.Kind != yaml.MappingNode {
		return "", nil
	}
	for i := 0; i+1 < len(theme.Content); i += 2 {
		switch k, v := theme.Content[i], theme.Content[i+1]; k.Value {
		case "theme":
			name = v.Value
		case "entries":
			if v.Kind == yaml.SequenceNode {
				entries = v
			}
		}
	}
	return name, entries
}

func readRetiredThemes(root *os.Root) (map[string][]themePlace, error) {
	record := map[string][]themePlace{}
	data, err := root.ReadFile(filepath.Join(RetiredDir, retiredThemesFile))
	if errors.Is(err, fs.ErrNotExist) {
		return record, nil
	}
	if err != nil {
		return nil, err
	}
	if err := yaml.Unmarshal(data, &record); err != nil {
		return nil, fmt.Errorf("%s/%s: %s", RetiredDir, retiredThemesFile, yamlErrText(err))
	}
	if record == nil {
		record = map[string][]themePlace{}
	}
	return record, nil
}

// writeRetiredThemes writes the record, or removes it once empty.
func (d *Dir) writeRetiredThemes(t *undoLog, record map[string][]themePlace) error {
	name := filepath.Join(RetiredDir, retiredThemesFile)
	if len(record) == 0 {
		return t.remove(name)
	}
	if err := t.root.MkdirAll(RetiredDir, 0o755); err != nil {
		return err
	}
	data, err := yaml.Marshal(record)
	if err != nil {
		return err
	}
	return t.write(name, append([]byte(retiredThemesHeader), data...))
}

func encodeYAML(n *yaml.Node) []byte {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(n); err != nil {
		// A tree that was just decoded always encodes.
		panic(fmt.Sprintf("knowledge: encode yaml: %v", err))
	}
	enc.Close()
	return b.Bytes()
}
