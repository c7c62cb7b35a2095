d=$(mktemp -d)
printf "{\"name\":\"app\",\"dependencies\":{\"@acme/util\":\"^1.0.0\"}}\n" > "$d/package.json"
$CUSTODY scan --internal-scope @acme "$d"
