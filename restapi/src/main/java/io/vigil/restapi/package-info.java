package io.vigil.restapi;
