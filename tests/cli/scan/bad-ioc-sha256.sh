# --ioc-sha256 wants exactly 64 hex digits: a short, long or non-hex value is a usage error.
"$CUSTODY" scan --ioc-sha256 90032c5193fd773300228055eea6b12712c4304449f1443fee99ff7f42f74df .
[ $? -eq 2 ] || exit 9
"$CUSTODY" scan --ioc-sha256 90032c5193fd773300228055eea6b12712c4304449f1443fee99ff7f42f74df60 .
[ $? -eq 2 ] || exit 9
"$CUSTODY" scan --ioc-sha256 90032c5193fd773300228055eea6b12712c4304449f1443fee99ff7f42f74dfz .
