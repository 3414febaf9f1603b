;; A guest that never ends: stopped by --timeout ("interrupted") or --fuel ("all fuel consumed").
(module
  (func (export "_start")
    (loop $l (br $l))))
