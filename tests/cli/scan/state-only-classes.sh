# Classes allowlisted only as saved state (HF TrainingArguments, accelerate PartialState,
# omegaconf containers) pass when rebuilt the way picklers write them (NEWOBJ, or
# copyreg._reconstructor(cls, object, None) then BUILD); calling one, or handing it to
# _reconstructor as the base whose __init__ runs, is pickle/constructor-call.
d="$TMPDIR/state"
mkdir -p "$d"
# REDUCE TrainingArguments('out'): __init__/__post_init__ with arguments from the file
printf 'ctransformers.training_args\nTrainingArguments\n(S%sout%s\ntR.' "'" "'" >"$d/call.pkl"
# _reconstructor(object, PartialState, {...}): PartialState.__init__(obj, {...})
printf 'ccopyreg\n_reconstructor\n(c__builtin__\nobject\ncaccelerate.state\nPartialState\n(dS%sbackend%s\nS%sgloo%s\nstR.' \
    "'" "'" "'" "'" >"$d/base.pkl"
# rebuilt from state: _reconstructor(PartialState, object, None) + BUILD, and NEWOBJ + BUILD
printf 'ccopyreg\n_reconstructor\n(caccelerate.state\nPartialState\nc__builtin__\nobject\nNtR(dS%sbackend%s\nNsb.' \
    "'" "'" >"$d/rebuilt-proto0.pkl"
printf '\x80\x02ctransformers.training_args\nTrainingArguments\n)\x81}X\x0a\x00\x00\x00output_dirX\x03\x00\x00\x00outsb.' \
    >"$d/rebuilt-proto2.pkl"
# dateutil tzfile: pickled as tzfile(None, name) + state (opens nothing); tzfile(path) reads a file
printf 'cdateutil.tz.tz\ntzfile\n(NS%s/usr/share/zoneinfo/Europe/Paris%s\ntR(dS%s_filename%s\nS%sx%s\nsb.' \
    "'" "'" "'" "'" "'" "'" >"$d/rebuilt-tzfile.pkl"
printf 'cdateutil.tz.tz\ntzfile\n(S%s/etc/passwd%s\ntR.' "'" "'" >"$d/tzpath.pkl"
# set([ModelCheckpoint]): a container holds the class, nothing calls it
printf '\x80\x02c__builtin__\nset\n]cpytorch_lightning.callbacks.model_checkpoint\nModelCheckpoint\na\x85R.' \
    >"$d/rebuilt-set.pkl"
"$CUSTODY" scan --no-progress --fail-on medium "$d"
