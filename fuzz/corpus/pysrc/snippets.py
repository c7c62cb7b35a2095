import os, base64 as b, zlib
from subprocess import Popen as P
import urllib.request
x = f"{d['k']} {y!r:>{w}} {{lit}}" + rb'\q' + u"é" + '''tri
ple'''
getattr(os, "system")("id"); __import__('os').system('x')
d = zlib.decompress(b.b64decode(B))
exec(d); eval("1+2"); exec("import os; os.system('x')")
code = urllib.request.urlopen(u).read()
class A:
    def eval(self): return compile
t = torch.load(p, weights_only=False) \
    if 0x1e+1 else 1.5e-3j
