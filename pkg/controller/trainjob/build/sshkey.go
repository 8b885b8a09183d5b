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

package build

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"io"

	"golang.org/x/crypto/ssh"
	corev1 "k8s.io/api/core/v1"
)

// NewMPISSHAuthData is the data of a new MPI SSH key Secret, the key
// upstream generates: ECDSA P-521, the private key PEM-encoded (SEC 1), the
// public key in authorized_keys form. random is crypto/rand.Reader outside
// tests.
func NewMPISSHAuthData(random io.Reader) (map[string][]byte, error) {
	key, err := ecdsa.GenerateKey(elliptic.P521(), random)
	if err != nil {
		return nil, fmt.Errorf("generating the MPI SSH key: %w", err)
	}
	der, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("encoding the MPI SSH private key: %w", err)
	}
	public, err := ssh.NewPublicKey(&key.PublicKey)
	if err != nil {
		return nil, fmt.Errorf("encoding the MPI SSH public key: %w", err)
	}
	return map[string][]byte{
		corev1.SSHAuthPrivateKey: pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: der}),
		MPISSHPublicKey:          ssh.MarshalAuthorizedKey(public),
	}, nil
}
