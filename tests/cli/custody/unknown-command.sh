"$CUSTODY" frobnicate
