# The clean model alone passes with no finding at all, even at --fail-on info. Needs the
# analyzers (after the merge): before it, the zip is not recognised and is a finding.
"$CUSTODY" scan --no-progress --fail-on info --verbose "$SRCDIR/examples/clean-model.pt"
