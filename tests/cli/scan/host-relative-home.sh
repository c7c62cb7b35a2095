# --host needs an absolute HOME: a usage error, never a silent empty scan
HOME=relative "$CUSTODY" scan --host --no-progress .
