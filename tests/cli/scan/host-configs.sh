# --host adds the user's agent configs (a fake home: Cursor and Claude Desktop files)
home="$TMPDIR/home"
mkdir -p "$home/.cursor" "$home/.config/Claude"
cp "$FIXTURES/agents/bad/cursor/.cursor/mcp.json" "$home/.cursor/mcp.json"
cp "$FIXTURES/agents/nearmiss/mcp/claude-desktop/claude_desktop_config.json" "$home/.config/Claude/"
HOME="$home" XDG_CONFIG_HOME= "$CUSTODY" scan --host --no-progress --color never
