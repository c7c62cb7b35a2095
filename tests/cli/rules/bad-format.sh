"$CUSTODY" rules --format xml
