// sluice_layer_check [ROOT]: checks that every include under ROOT/src (the
// repository, by default the current folder) keeps to ROOT/src/LAYERS.
#include <iostream>

#include "layer_check.h"

int main(int argc, char** argv) {
  if (argc > 2) {
    std::cerr << "usage: sluice_layer_check [ROOT]\n";
    return 2;
  }
  return sluice::layer_check::RunLayerCheck(argc == 2 ? argv[1] : ".", std::cout);
}
