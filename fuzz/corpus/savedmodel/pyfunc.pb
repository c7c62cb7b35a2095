a
 
custody-fixture"serve22.15.0=

xPlaceholder
$
pyPyFuncx*
token
pyfunc_0"¿