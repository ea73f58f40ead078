#include "dialect/dialects.h"

#include "dialect/firecrawl/firecrawl.h"
#include "dialect/skop/skop.h"
#include "dialect/spidra/spidra.h"
#include "dialect/trieve/trieve.h"

const api_table_t dialect_tables[] = {
    {API_HEALTH, health_routes, fc_v1_error},      {API_FC_V0, firecrawl_v0_routes, fc_v0_error},
    {API_FC_V1, firecrawl_v1_routes, fc_v1_error}, {API_FC_V2, firecrawl_v2_routes, fc_v2_error},
    {API_SPIDRA, spidra_routes, spidra_error},     {API_SKOP, skop_routes, skop_error},
    {API_TRIEVE, trieve_routes, trieve_error},
};

const size_t dialect_n_tables = sizeof dialect_tables / sizeof dialect_tables[0];
