/*
Copyright The mlplane Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

package console

import (
	"encoding/json"
	"errors"
	"net/http"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/klog/v2"
)

// apiError is every failure the console answers, in the shape of a
// Kubernetes Status: the page shows the message and each cause next to its
// field.
type apiError struct {
	Code    int     `json:"code"`
	Reason  string  `json:"reason"`
	Message string  `json:"message"`
	Causes  []cause `json:"causes,omitempty"`
}

type cause struct {
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
	// Line is the field's line in posted YAML (1-based), when known.
	Line int `json:"line,omitempty"`
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	if err := json.NewEncoder(w).Encode(v); err != nil {
		klog.V(4).InfoS("Writing a console response failed", "err", err)
	}
}

func writeError(w http.ResponseWriter, code int, reason, message string, causes []cause) {
	writeJSON(w, code, apiError{Code: code, Reason: reason, Message: message, Causes: causes})
}

// badRequest is an error in what the page sent, before anything reached
// kube-apiserver.
type badRequest struct {
	msg    string
	causes []cause
}

func (e *badRequest) Error() string { return e.msg }

func invalid(field, msg string) error {
	return &badRequest{msg: field + ": " + msg, causes: []cause{{Field: field, Message: msg}}}
}

// statusOf turns an error into the answer: Kubernetes API errors keep
// their code, reason and field causes; anything else is a 500 whose text
// is logged, not shown.
func statusOf(err error) apiError {
	var br *badRequest
	if errors.As(err, &br) {
		return apiError{Code: http.StatusBadRequest, Reason: "BadRequest", Message: br.msg, Causes: br.causes}
	}
	var st apierrors.APIStatus
	if errors.As(err, &st) {
		s := st.Status()
		out := apiError{Code: int(s.Code), Reason: string(s.Reason), Message: s.Message}
		if out.Code == 0 {
			out.Code = http.StatusInternalServerError
		}
		if s.Details != nil {
			for _, c := range s.Details.Causes {
				out.Causes = append(out.Causes, cause{Field: c.Field, Message: c.Message})
			}
		}
		return out
	}
	klog.ErrorS(err, "Console call failed")
	return apiError{Code: http.StatusInternalServerError, Reason: "InternalError", Message: "internal error; see mlplane-apiserver's log"}
}

func writeErr(w http.ResponseWriter, err error) {
	s := statusOf(err)
	writeJSON(w, s.Code, s)
}
