# The clean model alone passes: no finding above info, even at --fail-on low. (Info findings
# are facts, e.g. torch/checkpoint naming the archive layout.)
"$CUSTODY" scan --no-progress --fail-on low --verbose "$SRCDIR/examples/clean-model.pt"
