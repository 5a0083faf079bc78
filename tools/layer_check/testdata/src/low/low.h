// Lowest: includes nothing of the tree.
#pragma once
