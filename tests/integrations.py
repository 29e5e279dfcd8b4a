"""A small newsroom repository for the integration tests: house rules (so the tests do not
depend on which rule families exist) and articles that trip them, including text written to
break report formats (newlines and workflow commands in a message, control characters,
non-ASCII before a finding)."""

from __future__ import annotations

from pathlib import Path

HOUSE_RULES = r"""
- code: HS101
  name: email-spelling
  check: substitution
  severity: error
  message: "write {replacement!r}, not {match!r}"
  fix: safe
  summary: House style spells it email
  doc: |
    Finds "e-mail". **Why it matters:** one spelling reads as care. **Example:** "by
    e-mail" -> "by email". **Fix:** apply the safe fix.
  params:
    swap:
      e-mail: email
- code: HS102
  name: marked-span
  check: existence
  severity: warning
  message: "marked span: {match}"
  summary: Text between BEGIN and END markers
  params:
    tokens: ['BEGIN[\s\S]*?END']
    nonword: true
    ignorecase: false
    scope: raw
- code: HS103
  name: control-character
  check: existence
  severity: info
  message: "control character [{match}]"
  summary: An escape character in the text
  params:
    tokens: ['\x1b']
    nonword: true
    scope: raw
"""

# One finding of each rule; café puts a two-byte character before the third finding.
DAMAGED = (
    "# Letters\n"
    "\n"
    "Write to the desk by e-mail.\n"
    "\n"
    "x BEGIN\n"
    "::error file=evil.md,line=1::injected %0A done\n"
    "END y \x1b\n"
    "\n"
    "At the café, e-mail again.\n"
)
CLEAN = "# Letters\n\nWrite to the desk by email; we read every letter.\n"


def make_site(root: Path) -> Path:
    (root / "house").mkdir(parents=True, exist_ok=True)
    # only the house rules and the engine's own: the built-in families may fire on these
    # articles too (no front matter, ...), and these tests are about the reports, not them
    (root / "copydesk.toml").write_text('rules-dirs = ["house"]\nselect = ["HS", "CD"]\n', encoding="utf-8")
    (root / "house" / "style.yaml").write_text(HOUSE_RULES, encoding="utf-8")
    posts = root / "_posts"
    posts.mkdir(exist_ok=True)
    (posts / "damaged.md").write_text(DAMAGED, encoding="utf-8", newline="\n")
    (posts / "clean.md").write_text(CLEAN, encoding="utf-8", newline="\n")
    return root
