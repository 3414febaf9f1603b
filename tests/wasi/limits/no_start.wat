;; Not a WASI command (no _start): a one-line error, exit status 1.
(module (func (export "main")))
