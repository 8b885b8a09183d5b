package install

import "k8s.io/apimachinery/pkg/api/apitesting/roundtrip"

func init() { *roundtrip.FuzzIters = 2000 }
