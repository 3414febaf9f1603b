;; Declares 60000 pages (3.9 GB) of initial memory: under --max-memory 1 MiB instantiation must
;; fail with one error line (today the engine silently creates a 0-page memory instead).
(module (memory 60000) (func (export "_start")))
