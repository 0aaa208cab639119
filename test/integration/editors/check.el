;;; check.el --- Emacs (batch) + eglot driving resim-language-server  -*- lexical-binding: t -*-
;; Run by emacs.test.ts: emacs --batch -q -l check.el (-q: no init file; Debian's site-start adds its elpa packages)
;; Env: RESIM_EMACS_SETUP (the setup of docs/editors.md, as written), RESIM_SEED_FILE and
;; RESIM_LIVE_FILE (files to open), RESIM_OUT (where to write the JSON results). The server
;; inherits Emacs's environment (RESIM_URL, RESIM_TOKEN for the live file).
(require 'package)
(package-initialize)
(require 'cl-lib)
(require 'json)
(require 'eglot)
(require 'yaml-mode)

(defvar resim-steps nil)
(defvar resim-diags (make-hash-table :test 'equal) "URI → the last publishDiagnostics params.")
(defvar resim-server-logs nil "window/logMessage of type Error or Warning.")
(defvar resim-shown nil "window/showMessage messages, newest first.")
(defvar resim-picked nil "What the person chose in the last menu (its default: RET).")

(cl-defmethod eglot-handle-notification :after
  (_server (_method (eql window/showMessage)) &key message &allow-other-keys)
  (push message resim-shown))

(defmacro resim-as-person (&rest body)
  "Run BODY as a person who answers every menu with RET (its default); a keyboard event, so
that eglot asks with completing-read rather than a popup menu."
  `(let ((last-nonmenu-event ?\r))
     (cl-letf (((symbol-function 'completing-read)
                (lambda (_prompt _coll &optional _pred _req _init _hist def &rest _)
                  (setq resim-picked (if (consp def) (car def) def)))))
       ,@body)))
(defconst resim-timeout 20.0)

(cl-defmethod eglot-handle-notification :after
  (_server (_method (eql textDocument/publishDiagnostics)) &key uri diagnostics &allow-other-keys)
  (puthash uri diagnostics resim-diags))

(cl-defmethod eglot-handle-notification :after
  (_server (_method (eql window/logMessage)) &key type message &allow-other-keys)
  (when (and (numberp type) (<= type 2)) (push message resim-server-logs)))

(defun resim-wait (pred what)
  (let ((deadline (+ (float-time) resim-timeout)) v)
    (while (and (not (setq v (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    (or v (error "Timed out waiting for %s" what))))

(defun resim-diags-of (file)
  (append (gethash (eglot--path-to-uri file) resim-diags) nil))

(defun resim-find (diags code)
  (cl-find-if (lambda (d) (equal (plist-get d :code) code)) diags))

(defun resim-goto (needle delta)
  (goto-char (point-min))
  (search-forward needle)
  (goto-char (+ (match-beginning 0) delta)))

(defun resim-run ()
  (let* ((seed (getenv "RESIM_SEED_FILE"))
         (live (getenv "RESIM_LIVE_FILE"))
         (out (list (cons 'emacs emacs-version) (cons 'eglot "1.9")))
         server)
    (load (getenv "RESIM_EMACS_SETUP") nil t)
    ;; 1. The seed example.
    (find-file seed)
    ;; eglot-ensure (the setup's yaml-mode hook) connects from post-command-hook, which batch
    ;; mode never runs: connect as that hook would, from eglot-server-programs.
    (apply #'eglot (eglot--guess-contact))
    (setq server (resim-wait (lambda () (eglot-current-server)) "eglot to connect"))
    (let* ((ds (resim-wait (lambda () (let ((l (resim-diags-of seed))) (and (resim-find l "tab-indent") l))) "tab-indent"))
           (tab (resim-find ds "tab-indent")))
      (push "seed diagnostics" resim-steps)
      ;; M-x eglot-code-actions at column 0 of the first tab line, RET: the default action.
      (goto-char (point-min))
      (forward-line (plist-get (plist-get (plist-get tab :range) :start) :line))
      (setq resim-picked nil)
      (resim-as-person (apply #'eglot-code-actions (append (eglot--region-bounds) (list nil t))))
      (let ((fix (list :title resim-picked)))
        (unless resim-picked (error "No code action chosen"))
        ;; eglot sends didChange from an idle timer, and idle timers never fire in batch mode.
        (eglot--signal-textDocument/didChange)
        (let ((tabs (cl-count ?\t (buffer-string))))
          (resim-wait (lambda () (let ((l (resim-diags-of seed))) (and l (not (resim-find l "tab-indent")) l))) "no tab-indent after the fix")
          (push "tab quick fix" resim-steps)
          (push (cons 'seed (list (cons 'diagnostics (vconcat (mapcar (lambda (d) (list (cons 'line (plist-get (plist-get (plist-get d :range) :start) :line)) (cons 'code (plist-get d :code)))) ds)))
                                  (cons 'fixTitle (plist-get fix :title))
                                  (cons 'tabsAfterFix tabs)
                                  (cons 'codesAfterFix (vconcat (mapcar (lambda (d) (plist-get d :code)) (resim-diags-of seed))))))
                out))))
    ;; 2. A live config against the sandbox.
    (find-file live)
    (resim-wait (lambda () (eglot-current-server)) "eglot to manage the live file")
    (let ((ds (resim-wait (lambda () (let ((l (resim-diags-of live))) (and (or (resim-find l "will-restore") (resim-find l "will-archive") (resim-find l "state-unavailable")) l))) "live diagnostics"))
          live-out)
      (push "live diagnostics" resim-steps)
      (push (cons 'diagnostics (vconcat (mapcar (lambda (d) (list (cons 'line (plist-get (plist-get (plist-get d :range) :start) :line)) (cons 'code (plist-get d :code)) (cons 'message (plist-get d :message)))) ds))) live-out)
      (resim-goto "scenario-survey-alpha" 3)
      (let ((hover (jsonrpc-request server :textDocument/hover (eglot--TextDocumentPositionParams))))
        ;; What eglot shows (eldoc), rendered as eglot renders it.
        (push (cons 'hover (eglot--hover-info (plist-get hover :contents))) live-out))
      (push "hover" resim-steps)
      (resim-goto "systems: [" 10)
      (let* ((res (jsonrpc-request server :textDocument/completion (eglot--TextDocumentPositionParams)))
             (items (append (if (vectorp res) res (plist-get res :items)) nil)))
        (push (cons 'completion (vconcat (mapcar (lambda (i) (plist-get i :label)) items))) live-out))
      (push "completion" resim-steps)
      (let* ((res (jsonrpc-request server :resim/preview (list :uri (eglot--path-to-uri live))))
             (plan (plist-get res :plan)))
        (push (cons 'preview (list (cons 'summary (plist-get plan :summary))
                                   (cons 'project (plist-get plan :project))))
              live-out))
      (push "resim/preview" resim-steps)
      ;; Preview and apply as docs/editors.md says: the code actions of those kinds, run by the server.
      (let ((n (length resim-shown)))
        (resim-as-person (eglot--read-execute-code-action (eglot-code-actions (point) (point) "source.resim.preview") server "source.resim.preview"))
        (resim-wait (lambda () (> (length resim-shown) n)) "the preview's message")
        (push (cons 'previewMessage (car resim-shown)) live-out))
      (let ((n (length resim-shown)))
        (resim-as-person (eglot--read-execute-code-action (eglot-code-actions (point) (point) "source.resim.apply") server "source.resim.apply"))
        (resim-wait (lambda () (and (> (length resim-shown) n) (string-match-p "applied" (car resim-shown)))) "the apply's message")
        (push (cons 'applied (car resim-shown)) live-out))
      (push "apply" resim-steps)
      (push (cons 'live live-out) out))
    (eglot-shutdown server)
    (let ((messages (with-current-buffer (messages-buffer) (buffer-string))))
      (push (cons 'warnings
                  (vconcat (append resim-server-logs
                                   (cl-remove-if-not (lambda (l) (string-match-p "\\[eglot\\].*\\(warning\\|error\\|unsupported\\)" l))
                                                     (split-string messages "\n")))))
            out))
    out))

(let (result)
  (condition-case err
      (setq result (resim-run))
    (error (setq result (list (cons 'error (error-message-string err))))))
  (push (cons 'steps (vconcat (reverse resim-steps))) result)
  (with-temp-file (getenv "RESIM_OUT")
    (let ((json-encoding-pretty-print nil))
      (insert (json-encode result))))
  (kill-emacs 0))
