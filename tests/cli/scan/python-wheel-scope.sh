# A wheel's (or an sdist's, after its PKG-INFO) modules are library code (low, like Python on
# disk outside model code); an sdist's setup.py is install-time code (high); piping a download
# into a shell stays critical in any Python file (python/fetch-and-run).
"$CUSTODY" scan --no-progress --fail-on info "$FIXTURES/pydist"
