/**
 * Statement-level triggers that refresh `dam_asset_text` for the entities a statement on `table`
 * touched (migration 0011). Shipped migrations embed this text: never change what it returns.
 */
export function assetTextTriggerSql(name: string, table: string): string {
  return `
CREATE FUNCTION dam_asset_text_after_${name}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM dam_refresh_asset_text(ARRAY(SELECT DISTINCT entity_id FROM new_rows));
  ELSIF TG_OP = 'UPDATE' THEN
    PERFORM dam_refresh_asset_text(ARRAY(SELECT entity_id FROM new_rows UNION SELECT entity_id FROM old_rows));
  ELSE
    PERFORM dam_refresh_asset_text(ARRAY(SELECT DISTINCT entity_id FROM old_rows));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER dam_asset_text_${name}_insert AFTER INSERT ON ${table}
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dam_asset_text_after_${name}();
CREATE TRIGGER dam_asset_text_${name}_update AFTER UPDATE ON ${table}
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION dam_asset_text_after_${name}();
CREATE TRIGGER dam_asset_text_${name}_delete AFTER DELETE ON ${table}
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION dam_asset_text_after_${name}();`;
}
