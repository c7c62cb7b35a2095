# types.CodeType / types.FunctionType build code objects: a decoded value passed to them is
# decode-and-exec; only naming the type (isinstance(co, types.CodeType), as pytest's
# assertion rewriter does) builds nothing. Outside model code, decoding data the program
# receives (a parameter) is medium; decoding a blob written in the file is critical.
mkdir -p "$TMPDIR/lib"
printf 'import marshal, types\ndef load(fp):\n    co = marshal.load(fp)\n    if not isinstance(co, types.CodeType):\n        return None\n    return co\n' >"$TMPDIR/lib/check.py"
printf 'import marshal, types\ndef run(blob):\n    code = marshal.loads(blob)\n    f = types.FunctionType(code, globals())\n    f()\n' >"$TMPDIR/lib/build.py"
printf 'import marshal, types\ncode = marshal.loads(b"\\xe3\\x00\\x00\\x00\\x00\\x00")\nf = types.FunctionType(code, globals())\nf()\n' >"$TMPDIR/lib/packed.py"
"$CUSTODY" scan --no-progress --fail-on info "$TMPDIR/lib"
