"$CUSTODY" scan --frobnicate .
