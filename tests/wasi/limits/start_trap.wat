;; A trap in the start function: the documented trap exit (134) and the trap line.
(module
  (func $init (drop (i32.div_u (i32.const 1) (i32.const 0))))
  (start $init)
  (func (export "_start")))
