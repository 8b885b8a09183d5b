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
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"mime"
	"net/http"
	"strings"

	"k8s.io/apiserver/pkg/authentication/user"
)

// ContentSecurityPolicy allows only the console's own scripts, styles and
// connections: no inline script or style, no other origin, no framing.
const ContentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// CSRFHeader carries the session's token on every call that changes something.
const CSRFHeader = "X-CSRF-Token"

func setSecurityHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
	h.Set("Cache-Control", "no-store")
}

// csrfSigner issues and checks the CSRF tokens. A token is an HMAC of the
// user's name: it cannot be forged without the key, a token of one user is
// useless to another, and any replica sharing the key can check it without
// state. kubectl proxy adds the user's credentials to whatever reaches it,
// so a page of another site could otherwise make the browser send requests
// as the user; it can neither read the token nor set the header.
type csrfSigner struct {
	key []byte
}

func (s csrfSigner) token(u user.Info) string {
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte("mlplane-console-csrf\x00"))
	mac.Write([]byte(u.GetName()))
	return base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
}

// check refuses a call that changes something unless it is JSON, carries
// the user's token and does not come from another site.
func (s csrfSigner) check(req *http.Request, u user.Info) error {
	// Browsers set Sec-Fetch-Site and pages cannot forge it.
	switch site := req.Header.Get("Sec-Fetch-Site"); site {
	case "", "same-origin", "none":
	default:
		return errors.New("cross-site request refused (Sec-Fetch-Site: " + site + ")")
	}
	// A form of another site can post only form or text bodies.
	if mt, _, err := mime.ParseMediaType(req.Header.Get("Content-Type")); err != nil || mt != "application/json" {
		return errors.New("a console call must send Content-Type: application/json")
	}
	got := strings.TrimSpace(req.Header.Get(CSRFHeader))
	if got == "" {
		return errors.New("missing " + CSRFHeader + " header: reload the console")
	}
	if !hmac.Equal([]byte(got), []byte(s.token(u))) {
		return errors.New("invalid " + CSRFHeader + ": reload the console")
	}
	return nil
}
