

inputPlaceholder
L
dbgDebugIdentityinput*/

debug_urls!
file:///tmp/custody-test/dump"¿