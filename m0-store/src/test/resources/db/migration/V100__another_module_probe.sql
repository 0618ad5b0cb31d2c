-- Stands in for another module's migration (versions >= 100, shipped from a different classpath root): the store
-- tests check that one migrate() applies the scripts of every jar/directory on the classpath.
CREATE TABLE another_module_probe (id bigint PRIMARY KEY);
