; The outline panel and symbol search: the items of a policy and their names.
(program "program" @context (string) @name) @item
(tier "tier" @context (ident) @name) @item
(track "track" @context (ident) @name) @item
(module "module" @context (ident) @name) @item
(benefit "benefit" @context . (ident) @name) @item
(commission "commission" @context (ident) @name) @item
(bonus "bonus" @context (ident) @name) @item
(region "region" @context (ident) @name) @item
(partner "partner" @context (ident) @name) @item
(obligation "obligation" @context (ident) @name) @item
(choose_one "as" @context (ident) @name) @item
