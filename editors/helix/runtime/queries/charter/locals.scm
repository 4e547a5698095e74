; Names in a Charter policy are global to the policy: one scope, the file.

(source_file) @local.scope

(tiers_decl (ident) @local.definition)
(tier . (ident) @local.definition)
(tracks_decl (name_list (ident) @local.definition))
(track . (ident) @local.definition)
(modules_decl (name_list (ident) @local.definition))
(module . (ident) @local.definition)
(products_setting (ident) @local.definition)
(benefit . (ident) @local.definition)
(commission . (ident) @local.definition)
(bonus . (ident) @local.definition)
(obligation . (ident) @local.definition)
(choose_one "as" . (ident) @local.definition)
(region (ident) @local.definition)
(partner . (ident) @local.definition)

(ident) @local.reference
