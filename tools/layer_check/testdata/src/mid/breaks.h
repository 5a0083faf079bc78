// Points up, then sideways, then into tests/.
#pragma once

#include "low/low.h"
#include "top/top.h"
#include "side/side.h"
#include "harness.h"
