;; An infinite loop in the start function: --timeout must end it like one in _start.
(module
  (func $spin (loop $l (br $l)))
  (start $spin)
  (func (export "_start")))
