;; Declares a 100,000,000-element table, above the engine's table limit (10,000,000): must fail
;; with one error line instead of allocating 800 MB (today it allocates).
(module (table 100000000 funcref) (func (export "_start")))
