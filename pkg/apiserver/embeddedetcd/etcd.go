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

// Package embeddedetcd runs an etcd server inside the current process, for
// development (mlplane-apiserver --embedded-etcd) and for storage tests.
package embeddedetcd

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"time"

	"go.etcd.io/etcd/server/v3/embed"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Options configure an embedded etcd.
type Options struct {
	// Dir holds etcd's data; it is created if missing and reused if present.
	Dir string
	// ClientPort and PeerPort on 127.0.0.1; 0 picks a free port.
	ClientPort int
	PeerPort   int
	// UnsafeNoFsync trades durability for speed; for tests only.
	UnsafeNoFsync bool
	// Logger for etcd's own messages; nil logs errors to stderr.
	Logger *zap.Logger
}

// Server is a running embedded etcd.
type Server struct {
	etcd *embed.Etcd
	// ClientURL is where etcd clients connect, e.g. http://127.0.0.1:2379.
	ClientURL string
}

// Start starts etcd and waits until it serves clients or ctx ends.
func Start(ctx context.Context, opts Options) (*Server, error) {
	if opts.Dir == "" {
		return nil, errors.New("embedded etcd: a data directory is required")
	}
	if err := os.MkdirAll(opts.Dir, 0o700); err != nil {
		return nil, fmt.Errorf("embedded etcd: creating data directory: %w", err)
	}
	clientPort, err := portOrFree(opts.ClientPort)
	if err != nil {
		return nil, err
	}
	peerPort, err := portOrFree(opts.PeerPort)
	if err != nil {
		return nil, err
	}
	clientURL := url.URL{Scheme: "http", Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(clientPort))}
	peerURL := url.URL{Scheme: "http", Host: net.JoinHostPort("127.0.0.1", strconv.Itoa(peerPort))}

	cfg := embed.NewConfig()
	cfg.Name = "mlplane"
	cfg.Dir = opts.Dir
	cfg.UnsafeNoFsync = opts.UnsafeNoFsync
	cfg.ListenClientUrls = []url.URL{clientURL}
	cfg.AdvertiseClientUrls = []url.URL{clientURL}
	cfg.ListenPeerUrls = []url.URL{peerURL}
	cfg.AdvertisePeerUrls = []url.URL{peerURL}
	cfg.InitialCluster = cfg.InitialClusterFromName(cfg.Name)
	logger := opts.Logger
	if logger == nil {
		zcfg := zap.NewProductionConfig()
		zcfg.Level = zap.NewAtomicLevelAt(zapcore.ErrorLevel)
		if logger, err = zcfg.Build(); err != nil {
			return nil, fmt.Errorf("embedded etcd: building logger: %w", err)
		}
	}
	cfg.ZapLoggerBuilder = embed.NewZapLoggerBuilder(logger.Named("etcd"))

	e, err := embed.StartEtcd(cfg)
	if err != nil {
		return nil, fmt.Errorf("embedded etcd: starting in %s: %w", opts.Dir, err)
	}
	select {
	case <-e.Server.ReadyNotify():
	case <-time.After(time.Minute):
		e.Close()
		return nil, errors.New("embedded etcd: not ready after one minute")
	case <-ctx.Done():
		e.Close()
		return nil, ctx.Err()
	}
	return &Server{etcd: e, ClientURL: clientURL.String()}, nil
}

// Err reports a fatal error of the running server.
func (s *Server) Err() <-chan error { return s.etcd.Err() }

// Close stops etcd and waits for it to release its data directory.
func (s *Server) Close() { s.etcd.Close() }

func portOrFree(port int) (int, error) {
	if port != 0 {
		return port, nil
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("embedded etcd: finding a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
