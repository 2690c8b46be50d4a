package pipeline

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// schemaChecker validates JSON values against the subset of JSON Schema
// (draft 2020-12) that docs/record.schema.json uses. It rejects any other
// keyword, so the schema cannot outgrow the check unnoticed.
type schemaChecker struct {
	root map[string]any
}

func loadSchema(t *testing.T) *schemaChecker {
	t.Helper()
	raw, err := os.ReadFile("../docs/record.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	decoder := json.NewDecoder(bytes.NewReader(raw))
	decoder.UseNumber()
	if err := decoder.Decode(&root); err != nil {
		t.Fatalf("docs/record.schema.json: %v", err)
	}
	return &schemaChecker{root: root}
}

// checkLine decodes one JSON line and validates it.
func (c *schemaChecker) checkLine(line []byte) error {
	var value any
	decoder := json.NewDecoder(bytes.NewReader(line))
	decoder.UseNumber()
	if err := decoder.Decode(&value); err != nil {
		return err
	}
	return c.check(c.root, value, "$")
}

var ignoredKeywords = []string{"$schema", "$id", "title", "description", "$defs"}

func (c *schemaChecker) check(schema map[string]any, value any, path string) error {
	for keyword, arg := range schema {
		if slices.Contains(ignoredKeywords, keyword) || keyword == "then" ||
			keyword == "else" {
			continue
		}
		if err := c.checkKeyword(schema, keyword, arg, value, path); err != nil {
			return err
		}
	}
	return nil
}

func (c *schemaChecker) checkKeyword(schema map[string]any, keyword string, arg, value any,
	path string) error {
	switch keyword {
	case "type":
		return checkType(arg, value, path)
	case "const":
		if fmt.Sprint(arg) != fmt.Sprint(value) {
			return fmt.Errorf("%s: %v, expected %v", path, value, arg)
		}
	case "enum":
		for _, allowed := range arg.([]any) {
			if fmt.Sprint(allowed) == fmt.Sprint(value) {
				return nil
			}
		}
		return fmt.Errorf("%s: %v, expected one of %v", path, value, arg)
	case "required":
		return checkRequired(arg.([]any), value, path)
	case "properties":
		return c.checkProperties(arg.(map[string]any), value, path)
	case "additionalProperties":
		return checkAdditional(schema, arg, value, path)
	case "items":
		return c.checkItems(arg.(map[string]any), value, path)
	case "minimum", "maximum":
		return checkBound(keyword, arg.(json.Number), value, path)
	case "minItems", "maxItems":
		return checkLength(keyword, arg.(json.Number), value, path)
	case "$ref":
		return c.check(c.resolve(arg.(string)), value, path)
	case "if":
		return c.checkCondition(schema, arg.(map[string]any), value, path)
	default:
		return fmt.Errorf("%s: schema keyword %q is not supported by the checker", path, keyword)
	}
	return nil
}

func (c *schemaChecker) resolve(ref string) map[string]any {
	name, ok := strings.CutPrefix(ref, "#/$defs/")
	if !ok {
		panic("unsupported $ref " + ref)
	}
	return c.root["$defs"].(map[string]any)[name].(map[string]any)
}

func (c *schemaChecker) checkCondition(schema, condition map[string]any, value any,
	path string) error {
	branch := "then"
	if c.check(condition, value, path) != nil {
		branch = "else"
	}
	if sub, ok := schema[branch].(map[string]any); ok {
		return c.check(sub, value, path)
	}
	return nil
}

func checkType(arg, value any, path string) error {
	var allowed []string
	switch arg := arg.(type) {
	case string:
		allowed = []string{arg}
	case []any:
		for _, a := range arg {
			allowed = append(allowed, a.(string))
		}
	}
	got := jsonType(value)
	if slices.Contains(allowed, got) || (got == "integer" && slices.Contains(allowed, "number")) {
		return nil
	}
	return fmt.Errorf("%s: %s, expected %v", path, got, allowed)
}

func jsonType(value any) string {
	switch v := value.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	case json.Number:
		if _, err := v.Int64(); err == nil {
			return "integer"
		}
		return "number"
	}
	return fmt.Sprintf("%T", value)
}

func checkRequired(names []any, value any, path string) error {
	object, ok := value.(map[string]any)
	if !ok {
		return nil
	}
	for _, name := range names {
		if _, ok := object[name.(string)]; !ok {
			return fmt.Errorf("%s: missing required %q", path, name)
		}
	}
	return nil
}

func (c *schemaChecker) checkProperties(properties map[string]any, value any, path string) error {
	object, ok := value.(map[string]any)
	if !ok {
		return nil
	}
	for name, sub := range properties {
		if v, ok := object[name]; ok {
			if err := c.check(sub.(map[string]any), v, path+"."+name); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkAdditional(schema map[string]any, arg, value any, path string) error {
	object, ok := value.(map[string]any)
	if !ok || arg != false {
		return nil
	}
	properties, _ := schema["properties"].(map[string]any)
	for name := range object {
		if _, ok := properties[name]; !ok {
			return fmt.Errorf("%s: unexpected property %q", path, name)
		}
	}
	return nil
}

func (c *schemaChecker) checkItems(items map[string]any, value any, path string) error {
	array, ok := value.([]any)
	if !ok {
		return nil
	}
	for i, v := range array {
		if err := c.check(items, v, fmt.Sprintf("%s[%d]", path, i)); err != nil {
			return err
		}
	}
	return nil
}

func checkBound(keyword string, bound json.Number, value any, path string) error {
	number, ok := value.(json.Number)
	if !ok {
		return nil
	}
	v, _ := number.Float64()
	limit, _ := bound.Float64()
	if (keyword == "minimum" && v < limit) || (keyword == "maximum" && v > limit) {
		return fmt.Errorf("%s: %v violates %s %v", path, v, keyword, limit)
	}
	return nil
}

func checkLength(keyword string, bound json.Number, value any, path string) error {
	array, ok := value.([]any)
	if !ok {
		return nil
	}
	limit, _ := bound.Int64()
	n := int64(len(array))
	if (keyword == "minItems" && n < limit) || (keyword == "maxItems" && n > limit) {
		return fmt.Errorf("%s: %d items violates %s %d", path, n, keyword, limit)
	}
	return nil
}
