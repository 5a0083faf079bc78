#include "testing/tls_certificate.h"

#include <cstdlib>

#include <fmt/format.h>

namespace sluice::testing {

std::optional<TlsFiles> MakeTestCertificate(const std::string& dir) {
  TlsFiles files{dir + "/cert.pem", dir + "/key.pem"};
  const std::string command = fmt::format(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=localhost "
      "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout {} -out {} >/dev/null 2>&1",
      files.key, files.cert);
  if (std::system(command.c_str()) != 0) return std::nullopt;
  return files;
}

}  // namespace sluice::testing
