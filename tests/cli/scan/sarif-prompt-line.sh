"$CUSTODY" scan --no-progress --format sarif "$FIXTURES/agents/fire/AGENTS.md"
