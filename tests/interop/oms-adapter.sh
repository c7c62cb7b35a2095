#!/usr/bin/env bash
# model-signing-conformance adapter (docs/conformance_adapter_cli_protocol.md upstream):
#   oms-adapter.sh sign-model --method key|certificate|sigstore --model-path P --output-bundle F
#       [--private-key PEM] [--signing-cert PEM] [--cert-chain PEM]... [--ignore-paths P]...
#       [--identity-token T] [--use-staging]
#   oms-adapter.sh verify-model --method key|certificate|sigstore --model-path P --bundle F
#       [--public-key PEM] [--cert-chain PEM]... [--ignore-paths P]... [--ignore-unsigned-files]
#       [--identity SAN --identity-provider URL] [--use-staging]
# drives `custody sign` / `custody verify`. Only the exit code counts. Sigstore verification uses
# the production trusted root ($SHARED/interop/sigstore/trusted_root.json; the protocol has no
# flag for it); Sigstore signing needs live Fulcio/Rekor, which custody does not do: exit 2.
set -u
CUSTODY=${CUSTODY:?CUSTODY must name the custody binary}
SHARED=${SHARED:?SHARED must name the shared/ tree}
verb=${1:-}
shift || true
method='' model='' out='' key='' cert='' pub='' identity='' provider='' unsigned=0
chain=() ign=()
while [ $# -gt 0 ]; do
    case $1 in
    --method) method=$2; shift 2 ;;
    --model-path) model=$2; shift 2 ;;
    --output-bundle | --bundle) out=$2; shift 2 ;;
    --private-key) key=$2; shift 2 ;;
    --signing-cert) cert=$2; shift 2 ;;
    --public-key) pub=$2; shift 2 ;;
    --cert-chain) chain+=("$2"); shift 2 ;;
    --ignore-paths) ign+=(--ignore-paths "$2"); shift 2 ;;
    --ignore-unsigned-files) unsigned=1; shift ;;
    --identity) identity=$2; shift 2 ;;
    --identity-provider) provider=$2; shift 2 ;;
    --identity-token) shift 2 ;;
    --use-staging) shift ;;
    *) echo "oms-adapter: unknown argument $1" >&2; exit 2 ;;
    esac
done
case $verb in
sign-model)
    case $method in
    key) exec "$CUSTODY" sign "$model" --signature "$out" --key "$key" "${ign[@]}" ;;
    certificate)
        args=()
        for c in "${chain[@]}"; do args+=(--cert-chain "$c"); done
        exec "$CUSTODY" sign "$model" --signature "$out" --key "$key" --cert "$cert" \
            "${args[@]}" "${ign[@]}" ;;
    *) echo "oms-adapter: sigstore signing needs live services (unsupported)" >&2; exit 2 ;;
    esac ;;
verify-model)
    extra=()
    [ $unsigned = 1 ] && extra+=(--allow-unsigned-files)
    case $method in
    key) exec "$CUSTODY" verify "$model" --signature "$out" --key "$pub" "${ign[@]}" "${extra[@]}" ;;
    certificate)
        args=()
        for c in "${chain[@]}"; do args+=(--cert-chain "$c"); done
        exec "$CUSTODY" verify "$model" --signature "$out" "${args[@]}" "${ign[@]}" "${extra[@]}" ;;
    sigstore)
        exec "$CUSTODY" verify "$model" --signature "$out" \
            --trusted-root "$SHARED/interop/sigstore/trusted_root.json" \
            --identity "$identity" --issuer "$provider" "${ign[@]}" "${extra[@]}" ;;
    *) echo "oms-adapter: unknown method '$method'" >&2; exit 2 ;;
    esac ;;
*) echo "usage: oms-adapter.sh sign-model|verify-model ..." >&2; exit 2 ;;
esac
