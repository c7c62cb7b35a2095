# types.CodeType / types.FunctionType build code objects: a decoded value passed to them is
# decode-and-exec (critical); only naming the type (isinstance(co, types.CodeType), as pytest's
# assertion rewriter does) builds nothing.
mkdir -p "$TMPDIR/lib"
printf 'import marshal, types\ndef load(fp):\n    co = marshal.load(fp)\n    if not isinstance(co, types.CodeType):\n        return None\n    return co\n' >"$TMPDIR/lib/check.py"
printf 'import marshal, types\ndef run(blob):\n    code = marshal.loads(blob)\n    f = types.FunctionType(code, globals())\n    f()\n' >"$TMPDIR/lib/build.py"
"$CUSTODY" scan --no-progress --fail-on info "$TMPDIR/lib"
