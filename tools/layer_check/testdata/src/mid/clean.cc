// Clean: its own folder and a lower one.
#include "mid/breaks.h"
#include "low/low.h"
