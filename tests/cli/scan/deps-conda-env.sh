# Conda environment files (environment.yml, MLflow's conda.yaml): the pip: entries are read
# as requirements lines at their YAML lines (typosquats, known-malicious versions, unpinned git);
# conda specs are not packages Custody has data for; a pip: that is no list is deps/malformed.
"$CUSTODY" scan --no-progress --fail-on info "$FIXTURES/deps/conda"
