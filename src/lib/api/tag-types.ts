/** Tags as the DamApi returns them (seeds §2.7). */

/** Where a tag may be applied (seeds §2.7). */
export type TagScope = 'GLOBAL' | 'COMPONENT_CLASS_REQUIRED' | 'CONCEPTUAL_ASSET_LOCAL';

/** A tag. `scopeDetail`: the component a COMPONENT_CLASS_REQUIRED tag needs, or the entity a CONCEPTUAL_ASSET_LOCAL tag is local to. */
export interface TagConcept {
  readonly entityId: number;
  /** Normalised: lower case, `namespace:name`. */
  readonly name: string;
  readonly scope: TagScope;
  readonly scopeDetail: string | null;
  readonly description: string | null;
  readonly allowValues: boolean;
}

export interface TagConceptOptions {
  readonly scope?: TagScope;
  readonly scopeDetail?: string | null;
  readonly description?: string | null;
  readonly allowValues?: boolean;
}

/** A manual tag on an entity. `name` is the tag applied; `displayName` its preferred sibling's name. */
export interface EntityTag {
  readonly tagEntityId: number;
  readonly name: string;
  readonly displayName: string;
  readonly value: string | null;
}

/** A model's tag on an entity, with the model's confidence (0–1). */
export interface EntityModelTag {
  readonly tagEntityId: number;
  readonly name: string;
  readonly displayName: string;
  readonly sourceModelName: string;
  readonly confidence: number;
}

export interface EntityTags {
  readonly manual: EntityTag[];
  /** Not rejected by the person; highest confidence first. */
  readonly model: EntityModelTag[];
  /** Tags the manual ones imply through parents and that are not applied themselves. */
  readonly implied: string[];
}

export interface TagSummary {
  readonly name: string;
  /** Its preferred sibling's name, or its own. */
  readonly displayName: string;
  readonly namespace: string | null;
  readonly allowValues: boolean;
  /** Entities with it as a manual tag. */
  readonly uses: number;
}

/** A tag with its relations, for the Tags page. */
export interface TagDetail extends TagConcept {
  readonly uses: number;
  /** The tag this one is another name for, if it is an alias. */
  readonly preferred: string | null;
  readonly aliases: string[];
  readonly parents: string[];
  readonly children: string[];
}

/** A tagging model as the auto-tagging settings offer it. */
export interface TaggingModelChoice {
  readonly name: string;
  readonly description: string;
  /** Its files are here (bundled or imported), so it can run now. */
  readonly available: boolean;
}

/** The world's auto-tagging settings and queue. */
export interface AutoTaggingStatus {
  readonly enabled: boolean;
  readonly model: string;
  readonly models: readonly TaggingModelChoice[];
  /** Images waiting for the tagger. */
  readonly pending: number;
}
