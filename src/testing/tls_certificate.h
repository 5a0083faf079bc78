// A throwaway TLS certificate for servers and clients under test.
#pragma once

#include <optional>
#include <string>

namespace sluice::testing {

struct TlsFiles {
  std::string cert, key;  // PEM; the certificate is self-signed (its own CA)
};

// A certificate for "localhost" and 127.0.0.1 (subjectAltName), valid for a
// day, made with the openssl program as `dir`/cert.pem and `dir`/key.pem;
// nullopt if that fails (no openssl on the machine).
std::optional<TlsFiles> MakeTestCertificate(const std::string& dir);

}  // namespace sluice::testing
