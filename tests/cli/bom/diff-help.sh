"$CUSTODY" bom diff --help
