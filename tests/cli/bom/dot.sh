# Run inside the model directory: `custody bom .` names the model after the directory and still
# finds its card, config and weights (walked as ./README.md, ...).
cd "$FIXTURES/bom/project/models/tiny-llama" && "$CUSTODY" bom .
