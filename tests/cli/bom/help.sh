"$CUSTODY" bom --help && "$CUSTODY" help bom >/dev/null
