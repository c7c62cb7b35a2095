# --host with no agent config in the home directory and no PATH: nothing to scan, exit 0
home="$TMPDIR/home"
mkdir -p "$home"
HOME="$home" XDG_CONFIG_HOME= "$CUSTODY" scan --host --no-progress --color never
